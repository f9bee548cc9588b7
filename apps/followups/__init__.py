"""Follow-ups: tasks on people (trace-back, recheck, sick-absence cause), each on the person
responsible for them."""
