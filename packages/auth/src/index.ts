export {
  type Auth,
  type AuthUser,
  type Client,
  createAuth,
  isSameOrigin,
  PASSWORD_RESET_LIFETIME_MS,
  type SignedIn,
} from './auth.ts';
