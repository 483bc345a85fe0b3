/** Small value helpers shared by the resource builders. */
import { CODE_SYSTEMS } from '../../codes/systems.js';
import { utf8 } from '../utf8.js';
import type { Quantity } from './types.js';

/** A UCUM quantity; `unit` is a UCUM code (the record's units are UCUM codes). */
export const ucum = (value: number, unit: string): Quantity => ({
  value,
  unit,
  system: CODE_SYSTEMS.ucum,
  code: unit,
});

/** FHIR forbids empty strings; optional text that may be empty goes through this. */
export const nonEmpty = (s: string | undefined): s is string => s !== undefined && s.trim().length > 0;

/**
 * An ISO instant as FHIR's `instant` wants it (seconds required). Records may omit seconds
 * (`2024-05-01T09:30+08:00`); this inserts them.
 */
export function toInstant(value: string): string {
  const t = value.indexOf('T');
  const zone = value.search(/(Z|[+-]\d{2}:\d{2})$/);
  if (t < 0 || zone < 0) return value;
  const time = value.slice(t + 1, zone);
  return time.length === 5 ? `${value.slice(0, zone)}:00${value.slice(zone)}` : value;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (RFC 4648 §4, with padding) of the UTF-8 encoding of `text`. */
export function utf8Base64(text: string): string {
  const bytes = utf8(text);
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += B64.charAt(n >> 18) + B64.charAt((n >> 12) & 63) + B64.charAt((n >> 6) & 63) + B64.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += `${B64.charAt(n >> 18)}${B64.charAt((n >> 12) & 63)}==`;
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += `${B64.charAt(n >> 18)}${B64.charAt((n >> 12) & 63)}${B64.charAt((n >> 6) & 63)}=`;
  }
  return out;
}

const B64_VALUE = new Map<string, number>([...B64].map((c, i) => [c, i]));

/**
 * The text whose UTF-8 encoding `data` is in standard base64 (the inverse of `utf8Base64`);
 * undefined when `data` is not padded base64 or the bytes are not well-formed UTF-8 (overlong
 * forms, surrogates and truncated sequences refused, RFC 3629 §3).
 */
export function textOfUtf8Base64(data: string): string | undefined {
  if (data.length % 4 !== 0) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < data.length; i += 4) {
    let n = 0;
    let pad = 0;
    for (let j = 0; j < 4; j++) {
      const c = data.charAt(i + j);
      if (c === '=' && i + 4 === data.length && j >= 2) {
        pad++;
        n <<= 6;
        continue;
      }
      const v = B64_VALUE.get(c);
      if (v === undefined || pad > 0) return undefined;
      n = (n << 6) | v;
    }
    bytes.push((n >> 16) & 255);
    if (pad < 2) bytes.push((n >> 8) & 255);
    if (pad < 1) bytes.push(n & 255);
  }
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] as number;
    const size = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (size === 0 || i + size > bytes.length) return undefined;
    let c = size === 1 ? b : b & (0xff >> (size + 1));
    for (let k = 1; k < size; k++) {
      const next = bytes[i + k] as number;
      if ((next & 0xc0) !== 0x80) return undefined;
      c = (c << 6) | (next & 63);
    }
    const min = [0, 0, 0x80, 0x800, 0x10000][size] as number;
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return undefined;
    out += String.fromCodePoint(c);
    i += size;
  }
  return out;
}
