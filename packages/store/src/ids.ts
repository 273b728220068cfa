import type { IdSource } from "@pursuit/core";

const RANDOM_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
const RANDOM_LENGTH = 10;
const MAX_COUNTER = 0xffff;

let lastTime = 0;
let counter = 0;

/**
 * `prefix_` + 12 hex digits of milliseconds + 4 hex digits of a per-millisecond counter + random tail.
 * Ids made by one process sort in creation order, even within one millisecond or when the clock steps back;
 * across processes they sort by millisecond.
 */
export function createId(prefix: string, now: number = Date.now()): string {
  if (now > lastTime) {
    lastTime = now;
    counter = 0;
  } else if (++counter > MAX_COUNTER) {
    lastTime += 1;
    counter = 0;
  }
  const time = lastTime.toString(16).padStart(12, "0");
  const sequence = counter.toString(16).padStart(4, "0");
  return `${prefix}_${time}${sequence}${randomTail()}`;
}

/** Random bytes drawn 256 ids at a time: one call to the system's generator per 256 ids, not one per id. */
const randomPool = new Uint8Array(RANDOM_LENGTH * 256);
let poolOffset = randomPool.length;

function randomTail(): string {
  if (poolOffset + RANDOM_LENGTH > randomPool.length) {
    crypto.getRandomValues(randomPool);
    poolOffset = 0;
  }
  let tail = "";
  for (let index = 0; index < RANDOM_LENGTH; index++) {
    tail += RANDOM_ALPHABET[(randomPool[poolOffset + index] as number) % RANDOM_ALPHABET.length];
  }
  poolOffset += RANDOM_LENGTH;
  return tail;
}

/** The core's id port backed by `createId`. */
export const monotonicIds: IdSource = { next: (prefix) => createId(prefix) };
