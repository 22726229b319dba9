/**
 * Errors cross the worker boundary as plain data and are rebuilt on the other side:
 * structured clone drops a custom `name` and `code` on Node 20, JSON drops `message`.
 */
export interface ErrorData {
  name: string;
  message: string;
  stack?: string;
  code?: string;
}

export function toErrorData(error: unknown): ErrorData {
  if (error instanceof Error) {
    const data: ErrorData = { name: error.name, message: error.message };
    if (typeof error.stack === 'string') data.stack = error.stack;
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') data.code = code;
    return data;
  }
  return { name: 'Error', message: describeThrown(error) };
}

/** People throw strings, numbers and plain objects too; say what they threw. */
function describeThrown(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function fromErrorData(data: ErrorData): Error {
  const error = new Error(data.message);
  error.name = data.name;
  if (data.stack !== undefined) error.stack = data.stack;
  if (data.code !== undefined) (error as Error & { code?: string }).code = data.code;
  return error;
}
