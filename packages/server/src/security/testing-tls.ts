/**
 * Test support: a throwaway certificate for `localhost` and `127.0.0.1`, made at test time and
 * never written to the repository, for the servers that production reaches over TLS (the
 * platform behind its proxy, the SMTP relay, the upstream identity provider).
 */
import selfsigned from 'selfsigned';

export interface ThrowawayCertificate {
  /** PEM private key. */
  key: string;
  /** PEM certificate; it is its own issuer, so it is also the CA to trust. */
  cert: string;
}

/** A self-signed EC P-256 certificate for localhost, valid one day. */
export async function throwawayCertificate(): Promise<ThrowawayCertificate> {
  const now = new Date();
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 24 * 60 * 60_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
