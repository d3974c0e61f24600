/** Types of sqlite-backup.mjs (plain JS: it ships as-is in the image). */
export function backupDatabase(from: string, to: string): Promise<void>;
