import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { dictionaries } from './messages';

/**
 * Two languages, zh-CN and en, chosen by the visitor (remembered) or by the browser. Messages
 * live per area in ./messages; a key missing in Chinese falls back to English.
 */

export type Language = 'zh-CN' | 'en';
export const LANGUAGES: Language[] = ['zh-CN', 'en'];
const STORAGE_KEY = 'flashmart.language';

function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'zh-CN' || stored === 'en') return stored;
  return navigator.languages.some((language) => language.toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en';
}

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  t: Translate;
}

const I18nContext = createContext<I18n | null>(null);

function interpolate(text: string, vars: Record<string, string | number> | undefined): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function LanguageProvider({ children }: { children: ReactNode }): ReactNode {
  const [language, setState] = useState<Language>(initialLanguage);
  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(STORAGE_KEY, next);
    setState(next);
  }, []);
  const t = useCallback<Translate>(
    (key, vars) => {
      const text = (language === 'zh-CN' ? dictionaries.zh[key] : undefined) ?? dictionaries.en[key] ?? key;
      return interpolate(text, vars);
    },
    [language],
  );
  const value = useMemo(() => ({ language, setLanguage, t }), [language, setLanguage, t]);
  document.documentElement.lang = language;
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (!context) throw new Error('useI18n outside LanguageProvider');
  return context;
}

export function useT(): Translate {
  return useI18n().t;
}

/** An error from the API (or anything else) as a sentence a person can read. */
export function errorSentence(t: Translate, error: unknown): string {
  if (error instanceof ApiError) {
    const key = `error.${error.code}`;
    const sentence = t(key);
    if (sentence !== key) return sentence;
    return error.problem.detail ?? error.problem.title ?? t('error.unknown');
  }
  return t('error.unknown');
}
