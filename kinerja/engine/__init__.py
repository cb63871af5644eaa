"""The SOP engine: what moves a cycle whatever the SOP's steps are."""
