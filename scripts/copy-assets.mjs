// Copies the non-TypeScript files under app/ (views, static files) next to the compiled code in
// dist/app/, so dist/ runs on its own (the Docker image ships only dist/ and node_modules/).
import { cpSync, existsSync } from 'node:fs';

if (!existsSync('dist/app')) throw new Error('run tsc first: dist/app does not exist');
cpSync('app', 'dist/app', { recursive: true, filter: (source) => !source.endsWith('.ts') });
