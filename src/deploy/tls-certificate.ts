/**
 * What `keen nginx` reads from the TLS files it is given: whether the certificate names an OCSP responder
 * (stapling is only useful then), the issuer chain to verify its answers with, and a resolver to find it.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The OCSP responder URI in the certificate (first one in the file), or null: none, or the file cannot be read. */
export function ocspResponderOf(certificatePath: string): string | null {
  try {
    const certificate = new X509Certificate(readFileSync(certificatePath));
    const match = /^OCSP - URI:(\S+)/m.exec(certificate.infoAccess ?? '');
    return match?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * The issuer chain for `ssl_trusted_certificate`: Let's Encrypt's (certbot's) chain.pem beside the
 * certificate when there is one, else the certificate file itself (a full chain holds the issuers too).
 */
export function issuerChainFor(certificatePath: string): string {
  const chain = join(dirname(certificatePath), 'chain.pem');
  return existsSync(chain) ? chain : certificatePath;
}

/** The name servers this machine uses (/etc/resolv.conf), in nginx's notation; null when none is found. */
export function systemResolvers(resolvConf = '/etc/resolv.conf'): string | null {
  let text: string;
  try {
    text = readFileSync(resolvConf, 'utf8');
  } catch {
    return null;
  }
  const servers = [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)].map(([, address]) =>
    (address as string).includes(':') ? `[${address}]` : (address as string),
  );
  return servers.length > 0 ? servers.join(' ') : null;
}
