# Pinwheel: the bot in a container. Build: docker build -t pinwheel .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PINWHEEL_DATABASE_URL=sqlite:////data/pinwheel.db \
    PINWHEEL_HEARTBEAT_FILE=/tmp/pinwheel.heartbeat \
    PINWHEEL_IN_CONTAINER=1 \
    PINWHEEL_WEB_HOST=0.0.0.0 \
    PINWHEEL_WEB_PORT=8080

WORKDIR /app

# The dependencies in a layer of their own, from the lock (every transitive package pinned
# by hash): rebuilt only when requirements.lock changes, not on every code change.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

# Then the code; its dependencies are all installed already.
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY db ./db
COPY migrations ./migrations
RUN pip install --no-deps . \
    && useradd --create-home --uid 10001 pinwheel \
    && mkdir -p /data && chown pinwheel /data

USER pinwheel
VOLUME ["/data"]
# The read-only web companion and public API, served beside the bot.
EXPOSE 8080

# Healthy while the background loop finishes a step at least every few minutes.
HEALTHCHECK --interval=60s --timeout=10s --start-period=120s --retries=3 \
    CMD ["pinwheel", "health"]

# Migrations run on every start (a no-op at head). Without DISCORD_TOKEN the container refuses
# to start rather than play the offline demo league, unless PINWHEEL_OFFLINE=1 asks for it.
CMD ["sh", "-c", "pinwheel db upgrade && exec pinwheel run"]
