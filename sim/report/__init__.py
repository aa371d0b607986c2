"""The board pack: what a strategy team takes to an NHS board, made from the main job.

Its :func:`sim.report.pack.write_board_pack` writes ``board_pack.html`` (self-contained),
``board_pack.pdf`` (with bookmarks), ``board_pack.docx`` (editable Word) and
``appraisal.xlsx`` (the tables, typed and print-ready, for finance teams). The pack holds the
options summary (money, activity, who pays and who saves), fan charts over time, cumulative
cash by organisation, a net-cost waterfall, a tornado of the main uncertainties, an equity
chart, the assumptions with their EVIDENCE.md rows, methods as the STRESS guidelines ask, and
limitations. Modules: ``stats`` (percentiles, formats), ``tables``, ``assumptions``,
``sensitivity``, ``figures``, ``narrative``, ``content`` (the blocks, in order), and one
renderer each: ``html``, ``pdf``, ``word``, ``excel``. Depends on appraisal, results and
configs; nothing depends on it except the main job.
"""
