module RandomTests

open Expecto
