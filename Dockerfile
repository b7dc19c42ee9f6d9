# Pinwheel: install the package, run the migrations, start the bot.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PINWHEEL_DATABASE_URL=sqlite+aiosqlite:////data/pinwheel.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY db ./db
COPY migrations ./migrations
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 pinwheel \
    && mkdir -p /data && chown pinwheel /data

USER pinwheel
VOLUME ["/data"]
# Migrations run on every start; they are idempotent and a no-op when already at head.
CMD ["sh", "-c", "pinwheel db upgrade && exec pinwheel run"]
