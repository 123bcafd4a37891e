// OIDC tokens for authenticated push (https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions):
// RS256 JWTs signed with an RSA key generated once per process, plus the verifier a receiving
// function uses in local mode in place of Google's certificates.
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

export const PUSH_TOKEN_ISSUER = 'https://accounts.google.com';
const TOKEN_LIFETIME_SECONDS = 3600;

export interface PushTokenClaims {
  aud: string;
  email: string;
  email_verified: boolean;
  iss: string;
  sub: string;
  azp: string;
  iat: number;
  exp: number;
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

let processKey: SigningKey | undefined;

/** The emulator's signing key, generated on first use (about 50 ms) and kept for the process. */
export function pushSigningKey(): SigningKey {
  if (!processKey) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = `pizzaflow-${Date.now().toString(36)}`;
    processKey = { kid, privateKey, publicKey };
  }
  return processKey;
}

const b64url = (buf: Buffer | string): string => Buffer.from(buf).toString('base64url');

/**
 * A token is reused for the same audience and identity until this long before it expires, as an
 * OAuth client reuses its access token: an RSA signature per push (≈ 1–2 ms of CPU) was the
 * emulators' largest JavaScript cost in the demo. A reused token is one the receiver still
 * accepts (its `exp` is at least this far away).
 */
export const TOKEN_REUSE_MARGIN_SECONDS = 300;
const issued = new Map<string, { token: string; exp: number }>();
const MAX_CACHED_TOKENS = 1_000;

export function signPushToken(
  claims: { audience: string; email: string },
  nowSeconds = Math.floor(Date.now() / 1000),
  key: SigningKey = pushSigningKey(),
): string {
  const cacheKey = `${key.kid}\n${claims.audience}\n${claims.email}`;
  const cached = issued.get(cacheKey);
  // A token is never reused before its own iat (a clock set back, as tests do) nor near its exp.
  if (cached && cached.exp - TOKEN_REUSE_MARGIN_SECONDS > nowSeconds && cached.exp - TOKEN_LIFETIME_SECONDS <= nowSeconds) return cached.token;
  const header = { alg: 'RS256', typ: 'JWT', kid: key.kid };
  const payload: PushTokenClaims = {
    aud: claims.audience,
    email: claims.email,
    email_verified: true,
    iss: PUSH_TOKEN_ISSUER,
    sub: claims.email,
    azp: claims.email,
    iat: nowSeconds,
    exp: nowSeconds + TOKEN_LIFETIME_SECONDS,
  };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = sign('RSA-SHA256', Buffer.from(signingInput), key.privateKey);
  const token = `${signingInput}.${b64url(signature)}`;
  if (issued.size >= MAX_CACHED_TOKENS) issued.clear();
  issued.set(cacheKey, { token, exp: payload.exp });
  return token;
}

/** Parsed public keys by PEM text: parsing one costs more than verifying a signature with it. */
const parsedKeys = new Map<string, KeyObject>();
function publicKeyOf(pem: string): KeyObject {
  let key = parsedKeys.get(pem);
  if (!key) {
    key = createPublicKey(pem);
    if (parsedKeys.size >= 100) parsedKeys.clear();
    parsedKeys.set(pem, key);
  }
  return key;
}

export class PushTokenError extends Error {
  override name = 'PushTokenError';
}

export interface VerifyOptions {
  /** Expected `aud`; the push endpoint URL unless the subscription configured another audience. */
  audience: string;
  /** Expected `email` (the push service account), if the receiver pins one. */
  email?: string;
  /** PEM or KeyObject; defaults to this process's emulator key. */
  publicKey?: string | KeyObject;
  nowSeconds?: number;
}

/** Verifies signature, issuer, audience and expiry; returns the claims or throws PushTokenError. */
export function verifyPushToken(token: string, options: VerifyOptions): PushTokenClaims {
  const parts = token.replace(/^Bearer\s+/i, '').split('.');
  if (parts.length !== 3) throw new PushTokenError('malformed token');
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: string };
  let claims: PushTokenClaims;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string };
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as PushTokenClaims;
  } catch {
    throw new PushTokenError('malformed token');
  }
  if (header.alg !== 'RS256') throw new PushTokenError(`unexpected algorithm ${String(header.alg)}`);
  const key = typeof options.publicKey === 'string' ? publicKeyOf(options.publicKey) : (options.publicKey ?? pushSigningKey().publicKey);
  if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))) {
    throw new PushTokenError('bad signature');
  }
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (claims.iss !== PUSH_TOKEN_ISSUER) throw new PushTokenError(`unexpected issuer ${claims.iss}`);
  if (claims.aud !== options.audience) throw new PushTokenError(`unexpected audience ${claims.aud}`);
  if (options.email !== undefined && claims.email !== options.email) {
    throw new PushTokenError(`unexpected email ${claims.email}`);
  }
  if (typeof claims.exp !== 'number' || claims.exp < now) throw new PushTokenError('token expired');
  if (typeof claims.iat !== 'number' || claims.iat > now + 300) throw new PushTokenError('token issued in the future');
  return claims;
}

/** The public key as PEM, for a receiver in another process. */
export function pushPublicKeyPem(): string {
  return pushSigningKey().publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

/** The public key as a JWKS document, the shape of Google's certificate endpoint. */
export function pushJwks(): { keys: Array<Record<string, string>> } {
  const key = pushSigningKey();
  const jwk = key.publicKey.export({ format: 'jwk' }) as Record<string, string>;
  return { keys: [{ ...jwk, kid: key.kid, alg: 'RS256', use: 'sig' }] };
}
