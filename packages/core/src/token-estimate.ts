/**
 * Token counts for text a host cannot count itself. Before a session has answers to learn from, text is
 * estimated at 3 bytes a token: more tokens than most text has, so a bound built on it holds.
 */
export const ESTIMATE_BYTES_PER_TOKEN = 3;

/** A conservative token count for text a host cannot count itself. */
export function estimateTokens(text: string): number {
  return Math.ceil(utf8Length(text) / ESTIMATE_BYTES_PER_TOKEN);
}

/** UTF-8 byte length without platform APIs (the core is pure). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Learnt rates are kept within these bounds: a wild sample (an empty answer billed 1 token) must not skew them. */
const MIN_BYTES_PER_TOKEN = 1;
const MAX_BYTES_PER_TOKEN = 8;

/** Bytes a token in typical English and code for the common tokenizers: the best guess before a session's own. */
export const TYPICAL_BYTES_PER_TOKEN = 4;

/**
 * A session's own bytes-per-token rate, learnt from what its provider reported for the text it was sent or
 * answered, so that estimates (a crash's charge, a cut stream's) come close to the bill. Until it has seen a
 * sample it estimates at the typical 4 bytes a token; a bound that must hold uses ESTIMATE_BYTES_PER_TOKEN.
 */
export class TokenRate {
  private bytes = 0;
  private tokens = 0;

  /** The provider counted `tokens` for text of `bytes` bytes. */
  observe(bytes: number, tokens: number): void {
    if (!(bytes > 0 && tokens > 0)) return;
    this.bytes += bytes;
    this.tokens += tokens;
  }

  /** Whether the rate was learnt from at least one sample (else it is the conservative default). */
  get learnt(): boolean {
    return this.tokens > 0;
  }

  /** Bytes a token, as learnt so far. */
  get bytesPerToken(): number {
    if (this.tokens === 0) return TYPICAL_BYTES_PER_TOKEN;
    return Math.min(MAX_BYTES_PER_TOKEN, Math.max(MIN_BYTES_PER_TOKEN, this.bytes / this.tokens));
  }

  /** Tokens for `bytes` bytes of text at the learnt rate. */
  tokensFor(bytes: number): number {
    return Math.ceil(Math.max(0, bytes) / this.bytesPerToken);
  }
}
