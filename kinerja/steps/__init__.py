"""The SOP's steps, one module per kind of step: each holds its services (the writes, each closing
its step through workflow.close_step), its reads and the handler it registers with the engine.

dispositions   step 1, letters and the disposition chain
submissions    step 2 (what each section owes, its uploads, the template) and step 4 (receipt)
completeness   step 5
analysis_steps steps 6 and 7 (office figures, reconciliation, narratives, grouping report)
review         steps 8 and 9
filing         step 10 (the performance database, its archive and bundle, amendments, exports)
"""
