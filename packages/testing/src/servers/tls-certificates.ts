import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** File paths and PEM text of a throw-away CA, a server certificate and a client certificate. */
export interface TlsCertificates {
  dir: string;
  caFile: string;
  /** Server certificate, SAN `IP:127.0.0.1, DNS:localhost`, signed by the CA. */
  certFile: string;
  keyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  ca: string;
  cert: string;
  key: string;
  clientCert: string;
  clientKey: string;
}

// A config of our own, so the result does not depend on the system's openssl.cnf.
const opensslConfig = `[req]
distinguished_name = dn
prompt = no
x509_extensions = v3_ca

[dn]
CN = cachex test CA

[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
`;

const serverExtensions = `basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
authorityKeyIdentifier = keyid
`;

const clientExtensions = `basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
`;

// P-256 keys: generated in milliseconds (RSA-2048 takes noticeably longer) and accepted by
// redis-server's OpenSSL and by Node alike.
const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function openssl(args: readonly string[], cwd: string): Promise<void> {
  try {
    await run('openssl', [...args], { cwd });
  } catch (error) {
    const detail = error as NodeJS.ErrnoException & { stderr?: string };
    if (detail.code === 'ENOENT') {
      throw new Error('openssl not found on PATH; install it with `apt-get install -y openssl`');
    }
    throw new Error(`openssl ${args[0]} failed: ${detail.stderr ?? detail.message}`);
  }
}

async function signedCertificate(
  dir: string,
  name: string,
  commonName: string,
  extensions: string,
): Promise<void> {
  await writeFile(join(dir, `${name}.ext`), extensions);
  await openssl(
    [
      'req',
      '-new',
      ...newKey,
      '-config',
      'openssl.cnf',
      '-subj',
      `/CN=${commonName}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    ],
    dir,
  );
  await openssl(
    [
      'x509',
      '-req',
      '-sha256',
      '-days',
      '3650',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-set_serial',
      `0x${randomBytes(8).toString('hex')}`,
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    ],
    dir,
  );
}

/**
 * Makes a CA and a server and a client certificate signed by it in `dir` with the `openssl` CLI
 * (no extra npm dependency, and the same tool CI has). The server certificate names both
 * 127.0.0.1 and localhost, so clients can verify it whichever address they dial.
 */
export async function makeTlsCertificates(dir: string): Promise<TlsCertificates> {
  await writeFile(join(dir, 'openssl.cnf'), opensslConfig);
  await openssl(
    [
      'req',
      '-x509',
      '-new',
      ...newKey,
      '-config',
      'openssl.cnf',
      '-sha256',
      '-days',
      '3650',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
    ],
    dir,
  );
  await Promise.all([
    signedCertificate(dir, 'server', 'localhost', serverExtensions),
    signedCertificate(dir, 'client', 'cachex-client', clientExtensions),
  ]);
  const files = {
    caFile: join(dir, 'ca.crt'),
    certFile: join(dir, 'server.crt'),
    keyFile: join(dir, 'server.key'),
    clientCertFile: join(dir, 'client.crt'),
    clientKeyFile: join(dir, 'client.key'),
  };
  const [ca, cert, key, clientCert, clientKey] = await Promise.all([
    readFile(files.caFile, 'utf8'),
    readFile(files.certFile, 'utf8'),
    readFile(files.keyFile, 'utf8'),
    readFile(files.clientCertFile, 'utf8'),
    readFile(files.clientKeyFile, 'utf8'),
  ]);
  return { dir, ...files, ca, cert, key, clientCert, clientKey };
}
