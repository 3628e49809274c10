/**
 * Where a provider's messages to the user go. The lifecycle writes to it; each provider gives it
 * one over its own protocol (Pulumi's log for the dynamic provider, the engine's `Log` call for
 * the plugin), so neither side depends on the other.
 */

/** Where a provider's messages to the user go (Pulumi's log, tied to the resource if it can). */
export interface ResourceLog {
  info(message: string): Promise<void>;
  warn(message: string): Promise<void>;
}
