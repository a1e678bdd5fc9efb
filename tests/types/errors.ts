// Mistakes tsc must refuse, with a message that says why. Each line ending in
// `// error: TEXT` must be reported by `tsc -p tests/types/tsconfig.errors.json` with TEXT in
// its message (the message's first line and the lines tsc adds under it), and no other line
// may be: tests/e2e/types.test.mjs checks both. (`@ts-expect-error` would hide the message.)
import { authorize, connect, exchangeCode, refreshToken, revokeToken, validateRedirectUri } from 'vendo-connect';

declare const secret: string;
const cb = 'https://app.example/cb';

void authorize({ authorizationEndpoint: 'https://as/auth', clientId: 'c', redirectUri: cb, clientSecret: secret }); // error: clientSecret is refused: secrets stay on servers
void exchangeCode({ tokenEndpoint: 'https://as/t', clientId: 'c', code: 'x', codeVerifier: 'v', redirectUri: cb, clientSecret: secret }); // error: clientSecret is refused: secrets stay on servers
void refreshToken({ tokenEndpoint: 'https://as/t', clientId: 'c', refreshToken: 'r', clientSecret: 's' }); // error: clientSecret is refused: secrets stay on servers
void revokeToken({ revocationEndpoint: 'https://as/r', clientId: 'c', token: 't', clientSecret: 's' }); // error: clientSecret is refused: secrets stay on servers
void connect({ baseURL: 'https://vendo.example', provider: 'notion' }); // error: Did you mean to write 'baseUrl'?
void connect({ provider: 'notion' }); // error: Property 'baseUrl' is missing
void validateRedirectUri(cb, ['app.example']); // error: is not assignable to parameter of type 'RedirectUriOptions'
