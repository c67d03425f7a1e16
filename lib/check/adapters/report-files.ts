import * as fs from 'fs';
import * as path from 'path';

/**
 * Writes report files into `dir` (made if missing) without following a symbolic link planted in
 * their place: a link (or anything else) at the directory's or a file's name is removed, never
 * written through, and each file is created new (`O_EXCL`, and `O_NOFOLLOW` where the platform
 * has it). The cloud assembly directory is shared with other tools: nothing written there may
 * land outside it.
 */
export function writeReportFiles(dir: string, files: Record<string, string>): void {
  if (!isRealDirectory(dir)) fs.rmSync(dir, { force: true, recursive: true });
  fs.mkdirSync(dir, { recursive: true });
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0);
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.rmSync(file, { force: true, recursive: true });
    const fd = fs.openSync(file, flags, 0o644);
    try {
      fs.writeFileSync(fd, text);
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** Whether `dir` is a directory itself, not a link to one. */
function isRealDirectory(dir: string): boolean {
  try {
    return fs.lstatSync(dir).isDirectory();
  } catch {
    return false;
  }
}
