/**
 * What a failed call rejected with, for asserting on OSS errors.
 */

/** The status, code and message of the error a call rejects with. */
export async function failureOf(
  call: Promise<unknown>,
): Promise<{ status: unknown; code: unknown; message: string }> {
  try {
    await call;
  } catch (error) {
    const { status, code, message } = error as {
      status?: unknown;
      code?: unknown;
      message: string;
    };
    return { status, code, message };
  }
  throw new Error("expected the call to fail");
}
