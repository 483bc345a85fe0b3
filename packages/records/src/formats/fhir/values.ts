/** Small value helpers shared by the resource builders. */
import { CODE_SYSTEMS } from '../../codes/systems.js';
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

/** UTF-8 bytes of a string (no TextEncoder: the records package targets plain ES2023). */
export function utf8(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // a lone surrogate cannot be encoded
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

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
