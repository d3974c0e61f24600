import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**', 'umc/dist/**', 'app/web/public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    // The pure core: no I/O, no clock, no drivers (docs/architecture.md, "dependency rule").
    files: ['app/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'http', 'https', 'net', 'tls', 'crypto'],
              message: 'app/core is pure: no Node I/O modules.',
            },
            {
              group: ['express', 'ldapts', 'better-sqlite3', 'winston', 'node-cron', 'ejs'],
              message: 'app/core is pure: no drivers.',
            },
            { group: ['../*', '!./*'], message: 'app/core imports nothing outside itself.' },
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Use the injected Clock.' }],
      'no-restricted-globals': ['error', { name: 'process', message: 'app/core does not read process state.' }],
    },
  },
  {
    // The LDAP layer and the network code table sit below app/directory and listener/, which
    // build on them: they depend on ldapts and Node only (and app/ldap on app/net).
    files: ['app/ldap/**/*.ts', 'app/net/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/listener/**',
                ...[
                  'cli',
                  'config',
                  'core',
                  'directory',
                  'i18n',
                  'ldap',
                  'log',
                  'pascom',
                  'serve',
                  'store',
                  'sync',
                  'web',
                ].map((dir) => `../${dir}/**`),
                '../main.js',
                'express',
                'better-sqlite3',
              ],
              message: 'app/ldap and app/net depend on ldapts and Node only (app/ldap also on app/net).',
            },
          ],
        },
      ],
    },
  },
  {
    // app/ sees the listener through its public entry only; the sources and their wiring stay behind it.
    files: ['app/**/*.ts'],
    ignores: ['app/core/**', 'app/ldap/**', 'app/net/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/listener/*', '!**/listener/index.js'],
              message: 'app/ imports the listener from listener/index.js only.',
            },
          ],
        },
      ],
    },
  },
  {
    // The runtime (listener/runtime) wires the sources to the store, the directory and the config;
    // nothing in listener/ reaches the web page, pascom or the composition root.
    files: ['listener/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'express',
                'better-sqlite3',
                '**/app/pascom/**',
                '**/app/web/**',
                '**/app/cli/**',
                '**/app/serve/**',
                '**/app/main.js',
              ],
              message: 'listener/ does not reach the web page, pascom or the composition root.',
            },
          ],
        },
      ],
    },
  },
  {
    // The sources know no store and no directory: they read and write through ports.
    files: ['listener/**/*.ts'],
    ignores: ['listener/runtime/**', 'listener/index.ts', 'listener/change-source.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'express',
                'better-sqlite3',
                '**/app/*/**',
                '**/app/main.js',
                '!**/app/core/**',
                '!**/app/ldap/**',
              ],
              message: 'the listener sources depend on app/core, app/ldap and ldapts only.',
            },
          ],
        },
      ],
    },
  },
);
