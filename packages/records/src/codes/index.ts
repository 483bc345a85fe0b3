/** Code lists as data: real codes, curated for what the platform and the generator use. */
export {};
