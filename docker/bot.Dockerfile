# The Rasa server and the action server (Python 3.10: Rasa 3.6 needs <= 3.10).
FROM python:3.10-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements/bot.lock requirements/bot.lock
RUN pip install --no-cache-dir -r requirements/bot.lock
COPY bot bot
COPY actions actions
RUN cd bot && rasa train --data data --config config.yml --domain domain.yml \
        --out models --fixed-model-name sportello \
    && useradd --create-home sportello && chown -R sportello /app/bot
USER sportello
EXPOSE 5005 5055
