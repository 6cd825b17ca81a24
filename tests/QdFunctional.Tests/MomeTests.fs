module MomeTests

open Expecto
