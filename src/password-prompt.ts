// Reads a password typed at a terminal without showing it: the terminal goes raw (no echo, no line
// editing), so this code handles the few keys that matter itself. A password given on the command
// line would be visible to every user of the machine in `ps`; this is the alternative.
import type { ReadStream } from 'node:tty';

/** Thrown when the person at the terminal presses Ctrl-C (or Ctrl-D on an empty line). */
export class PromptCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'PromptCancelled';
  }
}

const ENTER = new Set(['\r', '\n']);
const CANCEL = '\u0003'; // Ctrl-C: raw mode delivers it as a byte instead of SIGINT
const END_OF_INPUT = '\u0004'; // Ctrl-D
const BACKSPACE = new Set(['\u007f', '\b']);
// Arrow keys and the like send escape sequences: they must not end up in the password.
const ESCAPE_SEQUENCE = /\u001b(\[[0-9;?]*[ -/]*[@-~]|O.|.)?/g;

/**
 * Shows `prompt` on `output`, reads one line from the terminal `input` with echo off, and resolves
 * with it (Enter ends it, Backspace deletes a character, Ctrl-C rejects with PromptCancelled).
 *
 * @example
 * const password = await promptHidden(process.stdin as tty.ReadStream, process.stderr, 'Password: ');
 */
export function promptHidden(input: ReadStream, output: NodeJS.WritableStream, prompt: string): Promise<string> {
  input.setRawMode(true); // before the prompt shows: keys typed the moment it appears are raw too
  output.write(prompt);
  input.setEncoding('utf8');
  input.resume();
  let typed: string[] = [];
  return new Promise<string>((resolve, reject) => {
    const finish = (outcome: () => void) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n'); // the Enter was not echoed either
      outcome();
    };
    const onData = (chunk: string) => {
      for (const key of chunk.replace(ESCAPE_SEQUENCE, '')) {
        if (ENTER.has(key)) return finish(() => resolve(typed.join('')));
        if (key === CANCEL || (key === END_OF_INPUT && typed.length === 0)) return finish(() => reject(new PromptCancelled()));
        if (BACKSPACE.has(key)) typed = typed.slice(0, -1);
        else if (key >= ' ') typed.push(key); // other control characters are ignored
      }
    };
    input.on('data', onData);
  });
}
