/** The ten MNIST classes, in label order: the digits' English names (LeCun et al. 1998). */
export const mnistClassNames: readonly string[] = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
];

/** The ten Fashion-MNIST classes, in label order (Xiao, Rasul & Vollgraf 2017). */
export const fashionMnistClassNames: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
