# The web and mail processes (Python 3.11). Built by docker-compose.yml.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements/web.lock requirements/web.lock
RUN pip install --no-cache-dir -r requirements/web.lock
COPY . .
RUN useradd --create-home sportello && mkdir -p /app/var && chown sportello /app/var
USER sportello
EXPOSE 8000 2525
