select generated_number * 2 as even_number
from {{ ref('shim_numbers') }}
