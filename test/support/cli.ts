import { main } from '../../lib/check/adapters/cli';

/** Runs the command line in this process, capturing what it writes. */
export function runCli(...args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = main(args, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; } });
  if (typeof code !== 'number') throw new Error(`${args.join(' ')} reads an account: use runCliAsync`);
  return { code, stdout, stderr };
}

/** Runs the command line in this process, for the commands that read an account (they answer later). */
export async function runCliAsync(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; } });
  return { code, stdout, stderr };
}

/** The non-empty lines of a text. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}
