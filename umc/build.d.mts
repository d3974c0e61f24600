/** Types of build.mjs (plain JS, run before the TypeScript build exists). */
export function isSingleDefineCall(js: string): boolean;
export function transpileFrontEnd(source: string): string;
export function parsePo(text: string): Map<string, string>;
export function buildMo(entries: Map<string, string>): Buffer;
export function buildUmc(out?: string): string;
