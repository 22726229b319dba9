import type { Payload } from '../runtime/protocol.js';

/** The inputs of a payload. Raw lines lose their `\n`, and a `\r` before it (CRLF files). */
export function splitPayload(payload: Payload): string[] {
  if (Array.isArray(payload)) return payload;
  const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
  const lines = text.split('\n');
  // the reader ends every line but perhaps the input's last one with \n
  if (text.endsWith('\n')) lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.charCodeAt(line.length - 1) === 13) lines[i] = line.slice(0, -1);
  }
  return lines;
}
