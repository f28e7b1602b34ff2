{% macro union_sites(sites, sep='union all') -%}
    {%- for site in sites %}
    {{ caller(site, loop.index) }}
    {%- if not loop.last %}
    {{ sep }}
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{% macro wrap_comment(label) -%}
    /* begin {{ label }} */
    {{ caller() | trim }}
    /* end {{ label }} */
{%- endmacro %}
