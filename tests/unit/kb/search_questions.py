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
    # service-hours (these two were out of scope before the tree existed)
    ("it", "siete aperti a Natale?", "service-hours"),
    ("en", "what time does the Milan store open on Sunday", "service-hours"),
    ("it", "c'è un numero verde da chiamare?", "service-hours"),
    ("en", "when is your helpline open", "service-hours"),
    # gift-wrapping
    ("it", "me lo incartate per un compleanno?", "gift-wrapping"),
    ("en", "could you wrap it up as a birthday present", "gift-wrapping"),
]

# Questions the knowledge base cannot answer: their best score says where "confident" ends.
OUT_OF_SCOPE: list[tuple[str, str]] = [
    ("it", "che tempo fa domani a Milano?"),
    ("it", "chi ha vinto la partita ieri sera?"),
    ("it", "mi consigli una ricetta per la pizza"),
    ("it", "mi sapete consigliare un buon ristorante in centro?"),
    ("it", "cercate personale per il negozio di Torino?"),
    ("en", "what's the weather like in Rome"),
    ("en", "tell me a joke"),
    ("en", "who won the football match yesterday"),
    ("en", "are you hiring shop assistants"),
    ("en", "can you recommend a good film to watch tonight"),
]

# Specific questions with the answer node that should be named: (language, question, slug, node).
# Phrased unlike the example questions and the choice labels, some with typos or no accents.
NODE_QUESTIONS: list[tuple[str, str, str, str]] = [
    # returns
    ("it", "c'è una scadenza per rimandare indietro la roba?", "returns", "return-window"),
    ("it", "ho comprato una gonna in saldo, si puo restituire?", "returns", "return-window"),
    ("it", "quanto mi costa fare il reso?", "returns", "return-window"),
    ("it", "i soldi del reso quando tornano sul conto?", "returns", "refund-status"),
    ("it", "posso restituire il costume da bagno se l'ho provato?", "returns", "exclusions"),
    ("it", "la maglia è arrivata con un buco, è difettosa", "returns", "faulty"),
    # shipping
    ("it", "quanto ci mette ad arrivare in Sicilia?", "shipping", "times-islands"),
    ("it", "abito a Torino, in quanti giorni arriva?", "shipping", "times-north"),
    ("it", "tempi di consegna per Firenze?", "shipping", "times-centre"),
    ("it", "spedizione a Bari quanti giorni ci vogliono", "shipping", "times-south"),
    ("it", "mi serve il pacco domani, c'è una consegna rapida?", "shipping", "express"),
    ("it", "oltre che importo non pago la spedizione?", "shipping", "costs"),
    ("it", "mandate pacchi in Francia?", "shipping", "times-abroad"),
    # payments
    ("it", "posso pagare quando arriva il pacco?", "payments", "cash-on-delivery"),
    ("it", "si puo usare paypal per pagare?", "payments", "paypal"),
    ("it", "prendete la Visa?", "payments", "cards"),
    ("it", "accetate la mastercard?", "payments", "cards"),
    ("it", "vorrei pagare tramite bonifico, come funziona?", "payments", "bank-transfer"),
    ("it", "quanto si paga in più per il contrassegno?", "payments", "cash-on-delivery"),
    # garment-care
    ("it", "la lana merino si restringe in asciugatrice?", "garment-care", "wool"),
    ("it", "come lavo una camicetta di seta?", "garment-care", "silk"),
    ("it", "il poliestere a quanti gradi lo lavo?", "garment-care", "synthetics"),
    ("it", "come si toglie la peluria a pallini dal golf?", "garment-care", "pilling"),
    ("it", "dove metto i maglioni contro le tarme?", "garment-care", "storage"),
    ("it", "il cachemire lo posso lavare a mano?", "garment-care", "cashmere"),
    # service-hours
    ("it", "a che ora siete aperti?", "service-hours", "hours"),
    ("it", "fino a che ora risponde l'assistenza il sabato?", "service-hours", "hours"),
    ("it", "mi date un numero da chiamare?", "service-hours", "phone"),
    ("it", "vi ho scritto una mail, in quanto tempo rispondete?", "service-hours", "email"),
    ("it", "l'assistente virtuale funziona anche di notte?", "service-hours", "bot"),
    # gift-wrapping
    ("it", "fate pacchi regalo?", "gift-wrapping", "wrapping"),
    ("it", "si può mettere un bigliettino con gli auguri?", "gift-wrapping", "gift-note"),
    ("it", "nel pacco ci sarà il prezzo? è un regalo", "gift-wrapping", "gift-receipt"),
    # returns
    ("en", "is there a deadline for sending things back?", "returns", "return-window"),
    ("en", "do I have to pay to send a return?", "returns", "return-window"),
    ("en", "I bought it in the sale, can I still return it?", "returns", "return-window"),
    ("en", "can I bring back a swimsuit I tried on", "returns", "exclusions"),
    ("en", "when do I get the money back for my return", "returns", "refund-status"),
    ("en", "the jumper I got has a hole in it", "returns", "faulty"),
    # shipping
    ("en", "how long to get a parcel to Sicily", "shipping", "times-islands"),
    ("en", "I live in Milan, when will my order arrive?", "shipping", "times-north"),
    ("en", "delivery days to Rome?", "shipping", "times-centre"),
    ("en", "how many days does shipping take to Naples", "shipping", "times-south"),
    ("en", "I need it tomorrow, do you have a faster delivery?", "shipping", "express"),
    ("en", "how much do I need to spend to get free delivery", "shipping", "costs"),
    ("en", "can you deliver to Spain", "shipping", "times-abroad"),
    # payments
    ("en", "is paying through PayPal possible?", "payments", "paypal"),
    ("en", "can I pay the driver when the parcel comes", "payments", "cash-on-delivery"),
    ("en", "do you accept American Express cards", "payments", "cards"),
    ("en", "can I pay by wire transfer to your IBAN", "payments", "bank-transfer"),
    ("en", "what's the extra fee for cash on delivery", "payments", "cash-on-delivery"),
    ("en", "can I split the payment into instalments with paypal", "payments", "paypal"),
    # garment-care
    ("en", "does wool shrink in the dryer?", "garment-care", "wool"),
    ("en", "washing a silk blouse", "garment-care", "silk"),
    ("en", "what temperature should I wash polyester at", "garment-care", "synthetics"),
    ("en", "how do I get rid of bobbles on my sweater", "garment-care", "pilling"),
    ("en", "how to keep moths away from my knitwear", "garment-care", "storage"),
    ("en", "can i handwash cashmere", "garment-care", "cashmere"),
    # service-hours
    ("en", "what time do you open?", "service-hours", "hours"),
    ("en", "is customer service available on saturday afternoon", "service-hours", "hours"),
    ("en", "what number can I ring you on", "service-hours", "phone"),
    ("en", "how quickly do you reply to emails", "service-hours", "email"),
    ("en", "is the chatbot available at night", "service-hours", "bot"),
    # gift-wrapping
    ("en", "do you gift wrap?", "gift-wrapping", "wrapping"),
    ("en", "can you put a personal message in with the present", "gift-wrapping", "gift-note"),
    ("en", "it's a present, please don't show the price", "gift-wrapping", "gift-receipt"),
]

# Vague questions: the right tree perhaps, but no answer node yet (start at the root).
VAGUE_QUESTIONS: list[tuple[str, str]] = [
    ("it", "ho un problema con un ordine"),
    ("it", "ho una domanda sul reso"),
    ("it", "vorrei informazioni sulla spedizione"),
    ("it", "domanda sui pagamenti"),
    ("it", "ho bisogno di aiuto"),
    ("it", "volevo chiedere una cosa sul mio acquisto"),
    ("it", "info sul lavaggio"),
    ("it", "una domanda sul pacco"),
    ("it", "mi servirebbe assistenza"),
    ("en", "I have a problem with an order"),
    ("en", "question about a return"),
    ("en", "I'd like some information about shipping"),
    ("en", "something about payment"),
    ("en", "I need help"),
    ("en", "a question about my purchase"),
    ("en", "info about washing"),
    ("en", "about my parcel"),
    ("en", "can someone assist me"),
]
