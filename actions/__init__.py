"""Custom actions of the Sportello bot, one module per skill.

rasa_sdk imports every module of this package and registers the Action subclasses
it finds. Actions reach data only through the web's internal API
(actions/webapp_client.py), never the database.
"""
