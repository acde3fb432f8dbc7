# BuddyBot: `docker build -t buddybot .` then see README.md ("Docker").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Fonts for the scripts clients write in (buddybot/pictures/lettering.py): Noto for Arabic,
# Hebrew, Ethiopic, Devanagari, Thai and Chinese/Japanese/Korean (about 130 MB installed,
# most of it the CJK collection).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-core fonts-noto-cjk fonts-symbola \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 buddybot \
    && mkdir /data && chown buddybot:buddybot /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY buddybot ./buddybot
RUN pip install .

USER buddybot
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080

# In webhook mode /healthz answers 200 when the database is reachable. In polling mode there
# is no HTTP server, so the check only succeeds while the process runs.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, sys, urllib.request; \
mode = os.environ.get('BUDDYBOT_MODE', 'polling'); \
port = os.environ.get('BUDDYBOT_LISTEN_PORT', '8080'); \
sys.exit(0) if mode != 'webhook' else urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4)"

ENTRYPOINT ["buddybot"]
CMD ["run"]
