"""Clinical-trial eligibility pre-screening."""
