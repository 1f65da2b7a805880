"""The catalogue and the departments: zaaktypen, statustypen, informatieobjecttypen, afdelingen."""
