# The Bucketgrid server (API, tRPC and the built web app), for compose.yaml and the like.
# It serves what DATABASE_URL names; run several of these only on MongoDB (see README).
FROM node:20.20-bookworm-slim AS build
# better-sqlite3 compiles its binding when no prebuilt one can be fetched.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local TURBO_TELEMETRY_DISABLED=1
RUN npm install -g pnpm@10.34.9
WORKDIR /app
COPY . .
RUN pnpm install --frozen-lockfile && pnpm exec turbo run build --filter=@bucketgrid/web

FROM node:20.20-bookworm-slim
WORKDIR /app
COPY --from=build /app /app
ENV PORT=3000 HOST=0.0.0.0
# Where the default SQLite store lives, writable by the server's user.
RUN mkdir /app/data && chown node:node /app/data
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "apps/server/src/main.ts"]
