"""The place as stocks and flows: its declaration on the generic engine (:mod:`.declare`),
value-only parameter rows per draw (:mod:`.rows`) and the warm start (:mod:`.warm`).
"""
