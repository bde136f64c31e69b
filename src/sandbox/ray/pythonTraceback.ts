/**
 * Python tracebacks as the Ray dashboard returns them in plain-text error bodies
 * (`traceback.format_exc()`) and as failing drivers print them. Only the last line is meant to
 * be read by programs; the frames make the text look like what a real head sends.
 */

/** One frame of a traceback. */
export interface PythonFrame {
  file: string;
  line: number;
  function: string;
  /** The source line shown under the frame, without indentation; '' shows none (`<string>`). */
  code: string;
}

/** Where Ray's Python package lives in the `rayproject/ray` images. */
export const raySitePackages = '/home/ray/anaconda3/lib/python3.10/site-packages/ray';

/**
 * `traceback.format_exc()` text: the header, each frame, and `error` (e.g.
 * `TypeError: entrypoint must be a string, got <class 'int'>`), ending with a newline.
 */
export function pythonTraceback(frames: readonly PythonFrame[], error: string): string {
  const lines = ['Traceback (most recent call last):'];
  for (const frame of frames) {
    lines.push(`  File "${frame.file}", line ${frame.line}, in ${frame.function}`);
    if (frame.code !== '') lines.push(`    ${frame.code}`);
  }
  lines.push(error);
  return `${lines.join('\n')}\n`;
}

/** A frame inside Ray's package, given its path below `ray/`. */
export function rayFrame(path: string, line: number, fn: string, code: string): PythonFrame {
  return { file: `${raySitePackages}/${path}`, line, function: fn, code };
}
