select 1 as amount
