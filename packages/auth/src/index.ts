export { type Auth, type AuthUser, createAuth, isSameOrigin, type SignedIn } from './auth.ts';
