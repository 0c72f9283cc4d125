"""Custom Rasa graph components of the Sportello bot.

Rasa finds them by module path (``components.bilingual_tokenizer.BilingualSpacyTokenizer``
in config.yml): the ``rasa`` command puts its working directory on ``sys.path``, so every
rasa command must run from ``bot/`` (as the Makefile, the Procfile and the Dockerfile do).
"""
