export {
  type Auth,
  type AuthUser,
  type Client,
  createAuth,
  isSameOrigin,
  type SignedIn,
} from './auth.ts';
