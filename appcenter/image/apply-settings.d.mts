/** Types of apply-settings.mjs (plain JS: it ships as-is in the image). */
export interface SettingSpec {
  readonly key: string;
  readonly path: readonly string[];
  readonly type: 'string' | 'int' | 'bool';
  readonly whenCleared?: string;
}
export interface SettingsPaths {
  ucr: string;
  config: string;
  state: string;
  passwordSetting: string;
  passwordFile: string;
}
export interface SettingChange {
  readonly setting: SettingSpec;
  readonly value: string | number | boolean | null;
}
export const DEFAULT_PATHS: SettingsPaths;
export const SETTINGS: readonly SettingSpec[];
export const PASSWORD_SETTING_KEY: string;
export function parseUcr(text: string): Map<string, string>;
export function envName(key: string): string;
export function currentValues(
  ucr: Map<string, string>,
  env: Record<string, string | undefined>,
): Record<string, string | null>;
export function convert(setting: SettingSpec, text: string): string | number | boolean;
export function changedSettings(
  current: Record<string, string | null>,
  lastApplied: Record<string, string | null>,
): SettingChange[];
export function applyToYaml(text: string, changes: readonly SettingChange[], passwordFile?: string): string;
export function writePrivate(file: string, text: string): void;
export function readPlainFile(file: string): string | undefined;
export function applySettings(paths?: SettingsPaths, env?: Record<string, string | undefined>): string[];
