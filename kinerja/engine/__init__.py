"""The SOP engine: what moves a cycle whatever the SOP's steps are.

workflow    the only code that moves a cycle (start, close_step, cancel)
overdue     overdue runs marked once and their people told (manage.py notify_overdue)
statistics  how long each step took against its target
registry    one handler per step kind, registered by the modules in kinerja/steps/
calendar    working time: due times, overdue, durations
"""
