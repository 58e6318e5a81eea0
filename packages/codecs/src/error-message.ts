/** The message of a thrown value, for building error messages (anything can be thrown in JS). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
