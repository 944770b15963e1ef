// Local ESLint plugin: keeps every module behind its one door (STYLE.md, "one module, one
// folder, one door"). Each relative import is resolved against the importing file, so the
// check holds however the path is spelled ("../modules/x/y.js", "./../../src/modules/x/y.js").
//
//  (a) src/platform/** must never import from src/modules/** (not even a module's index).
//  (b) a file outside src/modules/<m>/ may reach src/modules/<m>/ only through its index
//      (src/modules/<m>/index.js); a file inside src/modules/<m>/ (tests next to the code
//      included) imports its own module's files freely.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_EXTENSIONS = /\.(?:[cm]?[jt]sx?|d\.ts)$/;

/** Returns the module a path belongs to, and the path inside that module's folder. */
function locateInModules(modulesDir, file) {
  const relative = path.relative(modulesDir, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return null;
  const [module, ...rest] = relative.split(path.sep);
  return { module, inner: rest.join('/') };
}

/** True when the path inside a module's folder names its door: the folder itself or index.*. */
function isDoor(inner) {
  if (inner === '') return true;
  return inner.replace(SOURCE_EXTENSIONS, '') === 'index';
}

const moduleBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: "Import a module only through its index; platform code never imports modules." },
    schema: [
      {
        type: 'object',
        properties: { root: { type: 'string' } },
        additionalProperties: false,
      },
    ],
    messages: {
      platformImportsModule:
        "src/platform is infrastructure and must not import from src/modules ('{{specifier}}' resolves to src/modules/{{target}}).",
      behindTheDoor:
        "'{{specifier}}' reaches behind module '{{module}}''s door (src/modules/{{module}}/{{inner}}); import src/modules/{{module}}/index.js instead.",
    },
  },
  create(context) {
    const root = path.resolve(context.options[0]?.root ?? DEFAULT_ROOT);
    const srcDir = path.join(root, 'src');
    const platformDir = path.join(srcDir, 'platform');
    const modulesDir = path.join(srcDir, 'modules');
    const filename = path.resolve(context.physicalFilename ?? context.filename);
    const fromPlatform = !path.relative(platformDir, filename).startsWith('..');
    const fromModule = locateInModules(modulesDir, filename)?.module ?? null;

    function check(sourceNode) {
      if (!sourceNode || typeof sourceNode.value !== 'string') return;
      const specifier = sourceNode.value;
      // Only paths can land in src/: relative ones, absolute ones and file: URLs.
      let target;
      if (specifier.startsWith('.')) target = path.resolve(path.dirname(filename), specifier);
      else if (specifier.startsWith('/')) target = path.resolve(specifier);
      else if (specifier.startsWith('file:')) {
        try {
          target = fileURLToPath(specifier);
        } catch {
          return;
        }
      } else return;

      const landing = locateInModules(modulesDir, target);
      if (!landing) return;
      if (fromPlatform) {
        context.report({
          node: sourceNode,
          messageId: 'platformImportsModule',
          data: { specifier, target: path.relative(modulesDir, target).split(path.sep).join('/') },
        });
        return;
      }
      if (landing.module === fromModule || isDoor(landing.inner)) return;
      context.report({
        node: sourceNode,
        messageId: 'behindTheDoor',
        data: { specifier, module: landing.module, inner: landing.inner },
      });
    }

    return {
      ImportDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      // import x = require('...')
      TSExternalModuleReference: (node) => check(node.expression),
      // type T = import('...').T
      TSImportType: (node) => check(node.argument?.type === 'TSLiteralType' ? node.argument.literal : node.argument),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length === 1) {
          check(node.arguments[0]);
        }
      },
    };
  },
};

export const moduleBoundariesPlugin = {
  meta: { name: 'flashmart-module-boundaries' },
  rules: { 'module-boundaries': moduleBoundaries },
};
