import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, hasSession, onSessionChange, setTokens } from './api/client';
import type { AuthResult, User } from './api/types';

/** The signed-in user (or null), and the ways to sign in and out. */
interface Auth {
  user: User | null;
  /** True until the first /me answer (or immediately when there is no session). */
  loading: boolean;
  isAdmin: boolean;
  login(username: string, password: string): Promise<User>;
  register(username: string, password: string): Promise<User>;
  logout(): Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }): ReactNode {
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState(hasSession());

  const loadMe = useCallback(async () => {
    if (!hasSession()) {
      setUser(null);
      setLoading(false);
      return;
    }
    try {
      setUser(await api<User>('/me'));
    } catch {
      setUser(null);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void loadMe();
    return onSessionChange(() => {
      if (!hasSession()) setUser(null);
    });
  }, [loadMe]);

  const start = useCallback((result: AuthResult): User => {
    setTokens({ accessToken: result.accessToken, refreshToken: result.refreshToken });
    setUser(result.user);
    return result.user;
  }, []);

  const value = useMemo<Auth>(
    () => ({
      user,
      loading,
      isAdmin: user?.roles.includes('admin') ?? false,
      login: async (username, password) => start(await api<AuthResult>('/auth/login', { method: 'POST', body: { username, password } })),
      register: async (username, password) => start(await api<AuthResult>('/auth/register', { method: 'POST', body: { username, password } })),
      logout: async () => {
        try {
          await api('/auth/logout', { method: 'POST' });
        } finally {
          setTokens(null);
          setUser(null);
        }
      },
    }),
    [user, loading, start],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const context = useContext(AuthContext);
  if (!context) throw new Error('useAuth outside AuthProvider');
  return context;
}
