# Production image: the same server as `npm start`, against PostgreSQL via DATABASE_URL.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=3000
COPY --from=build /app /app
RUN mkdir -p /app/uploads && chown node /app/uploads
USER node
EXPOSE 3000
# node itself is PID 1: under npx, docker stop's SIGTERM would die in a shell and the server would be
# killed outright instead of finishing its requests and handing back the worker's batch.
CMD ["node", "--import", "tsx", "server/index.ts"]
