"""Realistic customer questions with the tree that should answer them (search quality table).

Written the way customers write (typos in accents, no question marks, long or short),
none copied from the trees' example questions. tests/unit/kb/test_search_quality.py
measures the ranking; docs/kb-search.md reports the figures.
"""

# (language, question, expected tree slug)
QUESTIONS: list[tuple[str, str, str]] = [
    # returns
    ("it", "ho preso un cappotto online ma non mi piace, lo posso rendere?", "returns"),
    ("it", "entro quanti giorni devo spedire indietro la merce?", "returns"),
    ("it", "il maglione mi sta stretto, vorrei la taglia più grande", "returns"),
    ("it", "quando mi arrivano i soldi del reso?", "returns"),
    ("it", "la cerniera della giacca si è rotta dopo due giorni", "returns"),
    ("it", "posso riportare in negozio una cosa comprata sul sito?", "returns"),
    ("en", "I'd like to send back a dress that doesn't suit me", "returns"),
    ("en", "how many days do I have to return my purchase", "returns"),
    ("en", "still waiting for my refund after sending the parcel back", "returns"),
    ("en", "can I swap these trousers for a medium", "returns"),
    ("en", "the seam on my new shirt came apart, it's defective", "returns"),
    # shipping
    ("it", "abito a Cagliari, in quanti giorni mi arriva l'ordine?", "shipping"),
    ("it", "consegnate a Lampedusa? quanto costa?", "shipping"),
    ("it", "da quale cifra la spedizione è gratis?", "shipping"),
    ("it", "il corriere non è ancora passato, dove si trova il mio pacco", "shipping"),
    ("it", "mandate anche in Svizzera?", "shipping"),
    ("it", "se ordino oggi quando mi consegnate?", "shipping"),
    ("en", "how long does it take to get to Palermo", "shipping"),
    ("en", "what are the delivery charges for the islands", "shipping"),
    ("en", "is there express next day delivery?", "shipping"),
    ("en", "the box was ripped open when the courier brought it", "shipping"),
    ("en", "can you send my order to Germany", "shipping"),
    # payments
    ("it", "accettate american express?", "payments"),
    ("it", "vorrei pagare con la prepagata che mi hanno regalato", "payments"),
    ("it", "la banca mi rifiuta la carta, perché?", "payments"),
    ("it", "posso pagare in contanti quando arriva il pacco?", "payments"),
    ("it", "ho bisogno della fattura con la partita iva della mia ditta", "payments"),
    ("it", "si può pagare a rate?", "payments"),
    ("en", "do you take Mastercard or only Visa", "payments"),
    ("en", "how much is left on my gift card", "payments"),
    ("en", "my card was charged twice for the same order", "payments"),
    ("en", "can my company get a VAT invoice", "payments"),
    # size-guide
    ("it", "mio figlio ha 7 anni, che misura gli prendo?", "size-guide"),
    ("it", "per una neonata di 4 mesi che taglia va bene?", "size-guide"),
    ("it", "porto la 44, che taglia è da voi?", "size-guide"),
    ("it", "i pullover vestono piccoli o grandi?", "size-guide"),
    ("en", "what size is a UK women's 12 in your shop", "size-guide"),
    ("en", "my daughter is 10 years old and 140 cm tall", "size-guide"),
    ("en", "where do I measure my chest for a jumper", "size-guide"),
    ("en", "does a medium fit a man with a 100 cm chest", "size-guide"),
    # garment-care
    ("it", "posso lavare in lavatrice un cardigan di cashmere?", "garment-care"),
    ("it", "a quanti gradi si lava il lino?", "garment-care"),
    ("it", "il maglione di lana si è infeltrito in lavatrice", "garment-care"),
    ("it", "come tolgo i pallini dalla maglia?", "garment-care"),
    ("it", "si può usare l'asciugatrice per la lana merino?", "garment-care"),
    ("en", "best way to wash a merino jumper", "garment-care"),
    ("en", "how to get creases out of linen trousers", "garment-care"),
    ("en", "can I tumble dry cotton t-shirts", "garment-care"),
    ("en", "how should I store woollens in summer against moths", "garment-care"),
    # offers
    ("it", "vorrei informazioni sui pullover in offerta speciale nel mese di maggio", "offers"),
    ("it", "quando ci saranno gli sconti sui pullover?", "offers"),
    ("it", "quando cominciano i saldi estivi?", "offers"),
    ("it", "il codice della newsletter non funziona", "offers"),
    ("it", "il prezzo è calato una settimana dopo che l'ho comprato", "offers"),
    ("en", "any deals on knitwear coming up?", "offers"),
    ("en", "when is the winter sale", "offers"),
    ("en", "do you have a promo code for my first order", "offers"),
    ("en", "are scarves discounted right now", "offers"),
    # privacy
    ("it", "vorrei ricevere tutti i dati personali che avete su di me", "privacy"),
    ("it", "come elimino il mio profilo dal vostro sito?", "privacy"),
    ("it", "non voglio più ricevere le vostre e-mail pubblicitarie", "privacy"),
    ("it", "chi è il titolare del trattamento dei dati?", "privacy"),
    ("en", "please erase all my personal information", "privacy"),
    ("en", "GDPR request: export of my data", "privacy"),
    ("en", "stop sending me marketing emails", "privacy"),
    ("en", "how do I change the email address on my account", "privacy"),
]

# Questions the knowledge base cannot answer: their best score says where "confident" ends.
OUT_OF_SCOPE: list[tuple[str, str]] = [
    ("it", "che tempo fa domani a Milano?"),
    ("it", "chi ha vinto la partita ieri sera?"),
    ("it", "mi consigli una ricetta per la pizza"),
    ("it", "siete aperti a Natale?"),
    ("it", "cercate personale per il negozio di Torino?"),
    ("en", "what's the weather like in Rome"),
    ("en", "tell me a joke"),
    ("en", "who won the football match yesterday"),
    ("en", "are you hiring shop assistants"),
    ("en", "what time does the Milan store open on Sunday"),
]
