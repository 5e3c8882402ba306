"""Fields of Vietnamese administrative documents (Nghị định 30/2020), read from OCR words and boxes.

extract      the entry point: `extract_metadata(pages) -> DocumentMetadata`
layout       visual lines (segments) from word boxes; the text column
zones        the header blocks, the `Số:` line, the date line; labels
organ        cơ quan chủ quản / cơ quan ban hành
numbers      number and notation, checked against the heading and the organ
title        type name and trích yếu; a công văn's `V/v` subject
signer       authority prefix, position, full name under the seal
recipients   the Nơi nhận list
dates, places, place_field, names, vocab, lexicon, syllables, grammar
             the document grammar and the vocabularies that correct OCR
review       when a field is given (NULL_BELOW) and when it is reviewed (REVIEW_BELOW)
fields       Phụ lục VI names; validation of values a person types (`sohoa edit`)
"""
